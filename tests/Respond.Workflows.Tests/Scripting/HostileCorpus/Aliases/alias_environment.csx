// expect: System.Environment
using E = System.Environment;
Log(E.GetEnvironmentVariable("HOME"));
