// expect: InternalsVisibleTo
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("evil")]
Log("x");
