// expect: lock
lock (Event) { Log("x"); }
