// expect: System.Environment
System.Environment.Exit(1);
