// expect: System.Environment
foreach (var e in Environment.GetEnvironmentVariables().Keys) Log(e.ToString());
