// expect: killed: exceeded 2 s time limit
// Passes the check: loops and try/catch are ordinary C#. Only the wall clock stops it.
while (true) { try { } catch { } }
