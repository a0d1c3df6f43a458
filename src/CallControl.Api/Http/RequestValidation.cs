using System.Reflection;
using System.Text.Json;
using FluentValidation;

namespace CallControl.Api.Http;

/// <summary>FluentValidation for request bodies: validators found in this assembly, run by an endpoint filter.</summary>
public static class RequestValidation
{
    /// <summary>Registers every concrete <see cref="IValidator{T}"/> of this assembly (there is no scanning package here).</summary>
    public static IServiceCollection AddRequestValidators(this IServiceCollection services)
    {
        foreach (var type in typeof(RequestValidation).Assembly.GetTypes().Where(t => t is { IsAbstract: false, IsGenericTypeDefinition: false }))
        {
            foreach (var contract in type.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidator<>)))
            {
                services.AddSingleton(contract, type);
            }
        }

        return services;
    }

    /// <summary>
    /// Answers 400 <c>validation</c> naming each field when the <typeparamref name="TBody"/> argument is not valid.
    /// With <paramref name="optional"/>, a missing body is fine (the handler uses the defaults).
    /// </summary>
    public static RouteHandlerBuilder Validate<TBody>(this RouteHandlerBuilder builder, bool optional = false)
        where TBody : class =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var body = context.Arguments.OfType<TBody>().FirstOrDefault();
            if (body is null)
            {
                return optional ? await next(context) : Problems.Validation("body", "A JSON body is required.");
            }

            var validator = context.HttpContext.RequestServices.GetRequiredService<IValidator<TBody>>();
            var result = await validator.ValidateAsync(body, context.HttpContext.RequestAborted);
            if (result.IsValid)
            {
                return await next(context);
            }

            return Problems.Validation(result.Errors
                .GroupBy(e => JsonNamingPolicy.CamelCase.ConvertName(e.PropertyName))
                .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray()));
        }).ProducesValidationProblem();
}
