// expect: System.Environment
Log(Environment.MachineName + "/" + Environment.UserName);
