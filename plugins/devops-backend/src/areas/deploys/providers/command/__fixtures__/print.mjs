// Prints $PRINT on stdout as it is (a status JSON, a version list).
process.stdout.write(process.env.PRINT ?? '');
