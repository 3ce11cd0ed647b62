// expect: Respond.Workflows.Scripting.ScriptWorkerPool
var p = new Respond.Workflows.Scripting.ScriptWorkerPool(null);
