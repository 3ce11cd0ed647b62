// expect: System.Type
var a = typeof(Respond.Workflows.Scripting.ScriptGlobals).Assembly;
