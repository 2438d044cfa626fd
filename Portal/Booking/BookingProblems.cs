using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Common;

namespace Portal.Booking;

/// <summary>Problems answered without throwing (hot paths: sold out, idempotency conflicts), in the same shape
/// as <see cref="Portal.Api.ApiExceptionHandler"/> gives domain problems: bilingual title, "code", "titleZh", "titleEn".</summary>
public static class BookingProblems
{
    public const string SlotFullCode = "slot_full";

    public static readonly Bilingual SlotFull = new("该时段已约满", "This slot is fully booked");

    public static ProblemHttpResult Create(int status, string code, Bilingual message) =>
        TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = status,
            Title = message.ToString(),
            Detail = message.En,
            Extensions = { ["code"] = code, ["titleZh"] = message.Zh, ["titleEn"] = message.En },
        });
}
