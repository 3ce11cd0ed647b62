// expect: killed: exceeded 2 s time limit
while (true) { }
