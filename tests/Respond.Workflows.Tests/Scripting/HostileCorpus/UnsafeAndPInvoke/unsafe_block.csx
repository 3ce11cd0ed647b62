// expect: unsafe
unsafe { int x = 1; int* p = &x; Log((*p).ToString()); }
