// expect: stack overflow
int Down(int n) => Down(n + 1) + 1;
Log(Down(0).ToString());
