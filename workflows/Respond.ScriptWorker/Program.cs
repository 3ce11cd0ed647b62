using Respond.ScriptWorker;

// The RUN_SCRIPT worker: started by ScriptWorkerPool with an empty environment, an empty working directory and
// memory limits; speaks line-delimited JSON on stdin/stdout. Console is redirected to nothing so that nothing but
// the protocol reaches the pool.
var output = Console.OpenStandardOutput();
var input = Console.OpenStandardInput();
Console.SetOut(TextWriter.Null);
Console.SetError(TextWriter.Null);
Console.SetIn(TextReader.Null);
return new WorkerHost(input, output).Run();
