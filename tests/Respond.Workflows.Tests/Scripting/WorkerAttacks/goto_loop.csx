// expect: killed: exceeded 2 s time limit
// Passes the check: goto is plain control flow.
start: goto start;
