// expect: System.AppContext
Log(AppContext.GetData("APP_CONTEXT_DEPS_FILES")?.ToString() ?? "");
