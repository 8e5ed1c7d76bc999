// .dockerignore, by Docker's rules: one pattern a line, `#` comments, paths cleaned and made
// relative (a leading `/` means the context root, as no leading slash does), Go filepath.Match
// syntax per segment (`*`, `?`, `[a-z]`, `\` escapes) plus `**` for any number of directories,
// `!` re-includes; the last matching pattern decides. A directory excluded whole is skipped, unless
// an exception may re-include something under it.
import { posix } from 'node:path';

interface Pattern { re: RegExp; exclusion: boolean; dirs: string[] }

export class DockerIgnore {
  private readonly patterns: Pattern[];

  constructor(text: string) {
    this.patterns = [];
    for (let line of text.split(/\r?\n/)) {
      if (line.startsWith('#')) continue;
      line = line.trim();
      if (!line) continue;
      let exclusion = false;
      if (line.startsWith('!')) { exclusion = true; line = line.slice(1).trim(); }
      line = posix.normalize(line.replace(/\\(?![*?[\]\\])/g, '/'));
      line = line.replace(/^\/+/, '').replace(/\/+$/, '');
      if (line === '' || line === '.') continue;
      this.patterns.push({ re: compile(line), exclusion, dirs: line.split('/') });
    }
  }

  get empty(): boolean { return this.patterns.length === 0; }
  get hasExclusions(): boolean { return this.patterns.some((p) => p.exclusion); }

  /** Whether a context-relative path (no leading slash) is excluded. A parent that matches excludes it too. */
  ignores(path: string): boolean {
    let excluded = false;
    const parents = parentsOf(path);
    for (const p of this.patterns) {
      let match = p.re.test(path);
      if (!match) {
        // A pattern naming a parent directory matches everything under it.
        for (const parent of parents) if (p.re.test(parent)) { match = true; break; }
      }
      if (match) excluded = !p.exclusion;
    }
    return excluded;
  }

  /** Whether a directory can be skipped without walking it: excluded and no exception reaches inside. */
  skipsDir(path: string): boolean {
    if (!this.ignores(path)) return false;
    return !this.patterns.some((p) => p.exclusion && (p.dirs[0].includes('*') || p.dirs.join('/').startsWith(path + '/') || p.dirs.join('/').includes('**')));
  }
}

function parentsOf(path: string): string[] {
  const parts = path.split('/');
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}

/** A pattern as a regular expression over the whole path (Go's filepath.Match plus `**`). */
function compile(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        // `**/` matches zero or more directories; a trailing `**` anything.
        if (pattern[i + 1] === '/') { i++; re += '(?:.*/)?'; } else re += '.*';
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) { re += '\\['; continue; }
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^')) cls = '^' + cls.slice(1); else if (cls.startsWith('!')) cls = '^' + cls.slice(1);
      re += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (ch === '\\' && i + 1 < pattern.length) {
      re += escapeRe(pattern[++i]);
    } else re += escapeRe(ch);
  }
  return new RegExp(re + '$');
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
