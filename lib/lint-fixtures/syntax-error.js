// lib/lint fixture, never run: node --check must report a SyntaxError (the brace never closes).
function fixture() {
  return 1;
