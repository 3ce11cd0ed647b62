using Respond.Server;
using Respond.Server.Designer;

var builder = WebApplication.CreateBuilder(Respond.Server.Features.Demo.DemoMode.ReadSwitch(args));
builder.Services.AddRespond(builder.Configuration, builder.Environment);

var app = builder.Build();
await app.Services.PrepareRespondAsync();
app.UseWebSockets();
app.UseDesigner();
app.UseAuthentication();
app.UseAuthorization();
app.MapRespond();
app.Run();

public partial class Program;
