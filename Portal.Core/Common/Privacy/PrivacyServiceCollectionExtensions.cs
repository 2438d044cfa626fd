using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Portal.Core.Common.Privacy;

public static class PrivacyServiceCollectionExtensions
{
    /// <summary>Binds <see cref="PersonalDataOptions"/> from the "PersonalData" section, checks them at
    /// start-up (the app refuses to start with missing or malformed keys) and registers a singleton <see cref="IPersonalDataProtector"/>.</summary>
    public static IServiceCollection AddPersonalDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PersonalDataOptions>()
            .Bind(configuration.GetSection(PersonalDataOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PersonalDataOptions>, PersonalDataOptionsValidator>();
        services.AddSingleton<IPersonalDataProtector>(sp =>
            new PersonalDataProtector(sp.GetRequiredService<IOptions<PersonalDataOptions>>().Value));
        return services;
    }

    private sealed class PersonalDataOptionsValidator : IValidateOptions<PersonalDataOptions>
    {
        public ValidateOptionsResult Validate(string? name, PersonalDataOptions options)
        {
            var errors = options.GetErrors();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
