namespace StockAlerts.Modules.Shared.Validation;

/// <summary>
/// A validator that only another validator uses, built with arguments the container cannot give (a compound's part,
/// an operand): left out of the assembly scan that registers the request validators.
/// </summary>
public interface INestedValidator;
