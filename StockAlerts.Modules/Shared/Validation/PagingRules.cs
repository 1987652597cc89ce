using FluentValidation;

namespace StockAlerts.Modules.Shared.Validation;

public static class PagingRules
{
    /// <summary>Far beyond any real list, and low enough that (page - 1) * pageSize cannot overflow.</summary>
    public const int MaxPage = 100_000;

    public static IRuleBuilderOptions<T, int?> ValidPage<T>(this IRuleBuilder<T, int?> page) => page.InclusiveBetween(1, MaxPage);

    public static IRuleBuilderOptions<T, int?> ValidPageSize<T>(this IRuleBuilder<T, int?> pageSize, int max) => pageSize.InclusiveBetween(1, max);
}
