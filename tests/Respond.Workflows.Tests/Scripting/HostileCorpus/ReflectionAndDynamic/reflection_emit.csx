// expect: System.Reflection
var name = new System.Reflection.AssemblyName("evil");
var ab = System.Reflection.Emit.AssemblyBuilder.DefineDynamicAssembly(name, System.Reflection.Emit.AssemblyBuilderAccess.Run);
