using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Portal.Core.Common;

namespace Portal.Data.Interceptors;

/// <summary>
/// The last line behind the API's input rules: no string longer than its column, and none with a NUL or a lone
/// surrogate half, is sent to any database. Without it SQLite stores what it is given (a 5 MB "district code"
/// included) while PostgreSQL and SQL Server fail the whole request with a 500; with it every provider answers the
/// same field-level 400. Console pages write through services without the API edge, so this also guards them.
/// </summary>
public sealed class InputLimitsInterceptor : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Check(eventData.Context);
        return base.SavingChanges(eventData, result);
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Check(eventData.Context);
        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    private static void Check(DbContext? context)
    {
        if (context is null) return;
        List<FieldError>? errors = null;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified)) continue;
            foreach (var property in entry.Properties)
            {
                if (property.CurrentValue is not string value || (entry.State == EntityState.Modified && !property.IsModified)) continue;
                var field = JsonNamingPolicy.CamelCase.ConvertName(property.Metadata.Name);
                if (property.Metadata.GetMaxLength() is { } max && value.Length > max)
                    (errors ??= []).Add(new FieldError(field, new Bilingual($"不能超过{max}个字符", $"At most {max} characters")));
                else if (value.Contains('\0') || TextRules.HasLoneSurrogate(value))
                    (errors ??= []).Add(new FieldError(field,
                        new Bilingual("含有不允许的字符（控制字符或无效编码）", "Contains characters that are not allowed (control characters or invalid encoding)")));
            }
        }
        if (errors is not null) throw new DomainValidationException(errors);
    }
}
