namespace Hopwatch.Reading.Containers;

/// <summary>
/// CRC-32 (IEEE, reflected) of a concatenation from the CRCs of its parts: crc(A‖B) from crc(A),
/// crc(B) and |B|. Appending |B| zero bytes to A's register is a linear map over GF(2), applied by
/// squaring the one-zero-bit operator; so the check of a multi-member gzip file needs no second pass.
/// </summary>
internal static class Crc32Combine
{
    private const uint Polynomial = 0xEDB88320;

    public static uint Combine(uint crcA, uint crcB, ulong lengthB)
    {
        if (lengthB == 0) return crcA;
        Span<uint> odd = stackalloc uint[32];
        Span<uint> even = stackalloc uint[32];

        // Operator for one zero bit, then two and four.
        odd[0] = Polynomial;
        uint row = 1;
        for (int n = 1; n < 32; n++, row <<= 1) odd[n] = row;
        Square(even, odd);
        Square(odd, even);

        // Each pass doubles the operator (8, 16, ... zero bits) and applies it for the set bits of the byte count.
        do
        {
            Square(even, odd);
            if ((lengthB & 1) != 0) crcA = Times(even, crcA);
            lengthB >>= 1;
            if (lengthB == 0) break;
            Square(odd, even);
            if ((lengthB & 1) != 0) crcA = Times(odd, crcA);
            lengthB >>= 1;
        } while (lengthB != 0);
        return crcA ^ crcB;
    }

    private static uint Times(ReadOnlySpan<uint> matrix, uint vector)
    {
        uint sum = 0;
        for (int i = 0; vector != 0; i++, vector >>= 1)
            if ((vector & 1) != 0) sum ^= matrix[i];
        return sum;
    }

    private static void Square(Span<uint> square, ReadOnlySpan<uint> matrix)
    {
        for (int n = 0; n < 32; n++) square[n] = Times(matrix, matrix[n]);
    }
}
