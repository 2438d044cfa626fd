using Microsoft.AspNetCore.DataProtection;
using Portal.Api;
using Portal.Booking;
using Portal.Components;
using Portal.Core.Certificates;
using Portal.Core.Eligibility;
using Portal.Data;
using Portal.Exports;
using Portal.Identity;
using Portal.Infrastructure;
using Portal.Live;
using Portal.Messaging;
using Portal.Slots;
using Portal.Waitlist;

var builder = WebApplication.CreateBuilder(args);
var dataFolder = DataFolder.Resolve(builder);
builder.AddLocalSecrets(dataFolder);

builder.Services.AddPortalData(builder.Configuration, dataFolder);
builder.Services.AddDataProtection().SetApplicationName("BlazorVax").PersistKeysToDbContext<PortalDbContext>();
builder.Services.AddPortalDomain(builder.Configuration, builder.Environment, dataFolder);
builder.Services.AddSms(builder.Configuration, builder.Environment, dataFolder);
builder.Services.AddResidentServices(builder.Configuration, builder.Environment, dataFolder);
builder.Services.AddPortalIdentity(builder.Configuration);
builder.Services.AddScoped<StaffAccountSeeder>();
builder.Services.AddApiProblems();
builder.Services.AddBookingProtection(builder.Configuration);
builder.Services.AddOpenApi(o => o.AddInputRuleLimits());
builder.Services.AddPortalHealth();
builder.Services.AddLiveUpdates(builder.Configuration);
builder.Services.AddExports();
builder.Services.AddEligibility();
builder.Services.AddWaitlist(builder.Configuration);
builder.Services.AddSlotManagement(builder.Configuration);
builder.Services.AddConsoleUi();
builder.Services.AddReverseProxySupport(builder.Configuration);
builder.Services.AddSecurityHeaders(builder.Configuration, builder.Environment);

var app = builder.Build();
await app.InitializeDatabaseAsync();

app.UseReverseProxySupport();
app.UseSecurityHeaders();
app.UseExceptionHandler();
// Console pages get the friendly not-found page; APIs, hubs and exports answer every status with ProblemDetails.
app.UseWhen(ctx => !ctx.Request.IsMachineEndpoint(),
    branch => branch.UseStatusCodePagesWithReExecute(PageRoutes.NotFound, createScopeForStatusCodePages: true));
app.UseWhen(ctx => ctx.Request.IsMachineEndpoint(), branch => branch.UseStatusCodePages());
app.UseRequestBodyLimits();
app.UsePortalLocalization();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapApiDocs();
app.MapPortalHealth();
// Every API route and export is checked at the edge by one set of input rules (Portal/Api/InputRules.cs).
var api = app.MapGroup("").WithInputRules();
api.MapResidentAuthApi();
api.MapResidentsApi();
api.MapBookingApi();
api.MapScheduleApi();
api.MapPdaApi();
api.MapResidentServicesApi();
api.MapExportsApi();
api.MapWaitlistApi();
app.MapLiveUpdates();
app.MapConsoleUi();

app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
