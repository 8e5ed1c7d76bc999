// berthd: parses its flags, builds the engine and serves the Docker Engine API on its socket.
process.stderr.write('berthd: not wired yet\n');
process.exitCode = 1;
