// expect: System.Environment
using static System.Environment;
Log(GetEnvironmentVariable("PATH"));
