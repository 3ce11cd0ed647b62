// expect: System.Environment
Environment.FailFast("bye");
