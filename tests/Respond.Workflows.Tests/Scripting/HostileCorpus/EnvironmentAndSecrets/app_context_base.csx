// expect: System.AppContext
Log(AppContext.BaseDirectory);
