namespace StockAlerts.Modules.Alerts.EvaluateAlerts;

internal sealed class RingBuffer<T>
    where T : struct
{
    private T[] items = new T[8];
    private int head;

    public int Count { get; private set; }

    public T Front => Count == 0 ? throw new InvalidOperationException("The buffer is empty.") : items[head];

    public T Back => Count == 0 ? throw new InvalidOperationException("The buffer is empty.") : items[(head + Count - 1) % items.Length];

    public T this[int position] => items[(head + position) % items.Length];

    public void PushBack(T item)
    {
        if (Count == items.Length)
        {
            Grow();
        }

        items[(head + Count) % items.Length] = item;
        Count++;
    }

    public void PopBack()
    {
        if (Count > 0)
        {
            Count--;
        }
    }

    public void PopFront()
    {
        if (Count > 0)
        {
            head = (head + 1) % items.Length;
            Count--;
        }
    }

    private void Grow()
    {
        var larger = new T[items.Length * 2];
        for (var position = 0; position < Count; position++)
        {
            larger[position] = items[(head + position) % items.Length];
        }

        items = larger;
        head = 0;
    }
}
