// expect: Console
using static System.Console;
WriteLine("escape to stdout");
