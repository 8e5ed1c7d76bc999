// Container ids and names as Docker makes them: 64-hex ids, names matching [a-zA-Z0-9][a-zA-Z0-9_.-]+,
// and random "adjective_surname" names when none is given.
import { randomBytes, randomInt } from 'node:crypto';
import { invalidArgument } from '../../common/errors.js';

const ADJECTIVES = [
  'admiring', 'adoring', 'affectionate', 'agitated', 'amazing', 'angry', 'awesome', 'beautiful', 'blissful', 'bold',
  'boring', 'brave', 'busy', 'charming', 'clever', 'compassionate', 'competent', 'condescending', 'confident', 'cool',
  'cranky', 'crazy', 'dazzling', 'determined', 'distracted', 'dreamy', 'eager', 'ecstatic', 'elastic', 'elated',
  'elegant', 'eloquent', 'epic', 'exciting', 'fervent', 'festive', 'flamboyant', 'focused', 'friendly', 'frosty',
  'funny', 'gallant', 'gifted', 'goofy', 'gracious', 'great', 'happy', 'hardcore', 'heuristic', 'hopeful', 'hungry',
  'infallible', 'inspiring', 'intelligent', 'interesting', 'jolly', 'jovial', 'keen', 'kind', 'laughing', 'loving',
  'lucid', 'magical', 'modest', 'musing', 'mystifying', 'naughty', 'nervous', 'nice', 'nifty', 'nostalgic',
  'objective', 'optimistic', 'peaceful', 'pedantic', 'pensive', 'practical', 'priceless', 'quirky', 'quizzical',
  'recursing', 'relaxed', 'reverent', 'romantic', 'sad', 'serene', 'sharp', 'silly', 'sleepy', 'stoic', 'strange',
  'stupefied', 'suspicious', 'sweet', 'tender', 'thirsty', 'trusting', 'unruffled', 'upbeat', 'vibrant', 'vigilant',
  'vigorous', 'wizardly', 'wonderful', 'xenodochial', 'youthful', 'zealous', 'zen',
];
const SURNAMES = [
  'agnesi', 'albattani', 'allen', 'almeida', 'archimedes', 'ardinghelli', 'aryabhata', 'austin', 'babbage', 'banach',
  'bardeen', 'bartik', 'bassi', 'bell', 'benz', 'bhabha', 'black', 'blackwell', 'bohr', 'booth', 'borg', 'bose',
  'brahmagupta', 'brattain', 'brown', 'carson', 'cerf', 'chandrasekhar', 'clarke', 'colden', 'cori', 'cray', 'curie',
  'darwin', 'davinci', 'dijkstra', 'dubinsky', 'easley', 'einstein', 'elion', 'engelbart', 'euclid', 'euler',
  'faraday', 'fermat', 'fermi', 'feynman', 'franklin', 'galileo', 'gates', 'goldberg', 'goldstine', 'goodall',
  'hamilton', 'hawking', 'heisenberg', 'hermann', 'hodgkin', 'hoover', 'hopper', 'hypatia', 'jackson', 'jang',
  'jennings', 'johnson', 'joliot', 'kalam', 'kepler', 'khorana', 'kilby', 'knuth', 'lalande', 'lamarr', 'lamport',
  'leakey', 'leavitt', 'lovelace', 'lumiere', 'mahavira', 'mayer', 'mccarthy', 'mcclintock', 'meitner', 'mendel',
  'merkle', 'minsky', 'mirzakhani', 'morse', 'napier', 'newton', 'nobel', 'noether', 'northcutt', 'noyce', 'pare',
  'pascal', 'pasteur', 'perlman', 'pike', 'poincare', 'ptolemy', 'raman', 'ramanujan', 'ride', 'ritchie', 'rosalind',
  'sammet', 'shannon', 'shockley', 'sinoussi', 'snyder', 'stonebraker', 'swanson', 'tesla', 'thompson', 'torvalds',
  'turing', 'varahamihira', 'villani', 'volhard', 'wescoff', 'wiles', 'williams', 'wilson', 'wing', 'wozniak',
  'wright', 'yalow', 'yonath',
];

export function newId(): string {
  return randomBytes(32).toString('hex');
}

export function randomName(retry: number): string {
  const name = `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${SURNAMES[randomInt(SURNAMES.length)]}`;
  return retry > 0 ? `${name}${randomInt(10)}` : name;
}

const VALID_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Validates a user-given name; returns it without the leading slash. */
export function checkName(name: string): string {
  if (!VALID_NAME.test(name)) throw invalidArgument(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  return name.replace(/^\//, '');
}
