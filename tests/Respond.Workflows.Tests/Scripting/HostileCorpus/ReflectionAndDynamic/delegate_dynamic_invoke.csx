// expect: System.Delegate
Func<int> f = () => 1;
Log(f.DynamicInvoke().ToString());
