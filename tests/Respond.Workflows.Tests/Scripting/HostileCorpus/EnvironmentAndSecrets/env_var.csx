// expect: System.Environment
Log(Environment.GetEnvironmentVariable("ConnectionStrings__Respond") ?? "");
