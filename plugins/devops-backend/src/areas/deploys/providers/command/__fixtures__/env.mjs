// Prints the variables it was given, one NAME=value a line, sorted.
for (const name of Object.keys(process.env).sort()) {
  console.log(`${name}=${process.env[name]}`);
}
