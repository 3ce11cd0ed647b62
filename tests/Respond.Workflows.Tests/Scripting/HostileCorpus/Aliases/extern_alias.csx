// expect: extern
extern alias corlib;
Log("x");
