// expect: System.Environment
Log(Environment.CurrentDirectory);
