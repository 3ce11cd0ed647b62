// expect: killed: exceeded 2 s time limit
// Passes the check: a script record may override ToString; the worker formats the result inside the timed run.
record R { public override string ToString() { while (true) { } } }
new R()
