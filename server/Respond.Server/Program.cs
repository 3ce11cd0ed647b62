using Respond.Server;
using Respond.Server.Designer;
using Respond.Server.Identity;

var builder = WebApplication.CreateBuilder(Respond.Server.Features.Demo.DemoMode.ReadSwitch(args));
builder.WebHost.UseRespondUrls(builder.Configuration);
builder.Services.AddRespond(builder.Configuration, builder.Environment);

var app = builder.Build();
await app.Services.PrepareRespondAsync();
app.UseSecurityHeaders();
app.UseAccessTokenInUrlRefusal();
app.UseWebSockets();
app.UseDesigner();
app.UseAuthentication();
app.UseAuthorization();
app.MapRespond();
app.Run();

public partial class Program;
