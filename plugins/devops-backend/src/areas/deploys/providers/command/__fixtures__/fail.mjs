// Writes two lines to stderr and exits with code 3.
console.error('warming up');
console.log('half of it done');
console.error('boom: disk full');
process.exit(3);
