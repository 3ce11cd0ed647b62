// expect: Expressions
System.Linq.Expressions.Expression<Func<int>> e = () => 1;
Log(e.Compile()().ToString());
