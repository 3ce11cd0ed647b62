// expect: stack overflow
// Passes the check: local functions may recurse; the worker has a 1 MiB script stack and dies alone.
long F(long n) => n == 0 ? 0 : 1 + F(n - 1);
Log(F(100_000_000).ToString());
