// expect: System.AppDomain
foreach (var a in AppDomain.CurrentDomain.GetAssemblies()) Log(a.FullName);
