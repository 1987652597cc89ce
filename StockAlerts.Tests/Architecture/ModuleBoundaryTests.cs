using NetArchTest.Rules;
using StockAlerts.Modules.Shared;

namespace StockAlerts.Tests.Architecture;

/// <summary>Modules share one assembly, so the compiler cannot keep them apart: these tests do.</summary>
public sealed class ModuleBoundaryTests
{
    private static readonly string[] Modules = ["Alerts", "Prices", "Notifications"];

    private static IEnumerable<TestCaseData> ModulePairs() =>
        from user in Modules
        from used in Modules
        where user != used
        select new TestCaseData(user, used).SetName($"{user}_UsesOnlyTheContractsOf_{used}");

    [TestCaseSource(nameof(ModulePairs))]
    public void Module_UsesOnlyAnotherModulesContracts(string user, string used)
    {
        var forbidden = InternalTypesOf(used);

        var result = Types.InAssembly(typeof(SharedInfrastructure).Assembly)
            .That().ResideInNamespaceStartingWith($"StockAlerts.Modules.{user}")
            .ShouldNot().HaveDependencyOnAny(forbidden)
            .GetResult();

        Assert.That(result.FailingTypeNames ?? [], Is.Empty, $"{user} reaches into {used}'s internals; go through StockAlerts.Modules.{used}.Contracts");
    }

    [Test]
    public void Shared_DependsOnNoModule()
    {
        var result = Types.InAssembly(typeof(SharedInfrastructure).Assembly)
            .That().ResideInNamespaceStartingWith("StockAlerts.Modules.Shared")
            .ShouldNot().HaveDependencyOnAny(Modules.Select(module => $"StockAlerts.Modules.{module}").ToArray())
            .GetResult();

        Assert.That(result.FailingTypeNames ?? [], Is.Empty);
    }

    [Test]
    public void Contracts_DependOnNoModuleInternals()
    {
        foreach (var module in Modules)
        {
            var others = Modules.Where(other => other != module).SelectMany(InternalTypesOf).ToArray();
            var result = Types.InAssembly(typeof(SharedInfrastructure).Assembly)
                .That().ResideInNamespace($"StockAlerts.Modules.{module}.Contracts")
                .ShouldNot().HaveDependencyOnAny([.. InternalTypesOf(module), .. others])
                .GetResult();

            Assert.That(result.FailingTypeNames ?? [], Is.Empty, $"{module}.Contracts must stand alone");
        }
    }

    /// <summary>Every type of a module except its contracts; the module class is the host's, not other modules'.</summary>
    private static string[] InternalTypesOf(string module) =>
        typeof(SharedInfrastructure).Assembly.GetTypes()
            .Where(type => type.Namespace is { } ns
                && (ns == $"StockAlerts.Modules.{module}" || ns.StartsWith($"StockAlerts.Modules.{module}.", StringComparison.Ordinal))
                && !ns.StartsWith($"StockAlerts.Modules.{module}.Contracts", StringComparison.Ordinal)
                && !type.IsNested)
            .Select(type => type.FullName!)
            .ToArray();
}
