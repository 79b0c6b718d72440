using System;
using System.Buffers.Binary;
using System.IO;

namespace PersonDetection;

/// <summary>
/// Reads an uncompressed BMP as 8-bit gray pixels, top row first: 8-bit palettized images (the gray value of each
/// pixel's palette entry, as TFLM's test images are stored) and 24-bit images (converted to gray with the BT.601
/// luma weights). BMP rows are usually stored bottom-up; the pixels come out top-down, as the model wants them.
/// </summary>
public static class BmpReader
{
    /// <summary>The gray pixels of a BMP file, with its width and height.</summary>
    public static (byte[] Pixels, int Width, int Height) ReadGray(string path) => ReadGray(File.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>The gray pixels of BMP bytes; <paramref name="name"/> names them in messages.</summary>
    /// <exception cref="InvalidDataException">The bytes are not an uncompressed 8-bit palettized or 24-bit BMP.</exception>
    public static (byte[] Pixels, int Width, int Height) ReadGray(byte[] bytes, string name)
    {
        if (bytes.Length < 54 || bytes[0] != 'B' || bytes[1] != 'M')
        {
            throw new InvalidDataException($"{name} is not a BMP file (no 'BM' header).");
        }
        int pixelOffset = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(10));
        int headerSize = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(14));
        int width = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(18));
        int storedHeight = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(22));
        int bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(28));
        int compression = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(30));
        int colorsUsed = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(46));
        if (headerSize < 40 || compression != 0 || (bitsPerPixel != 8 && bitsPerPixel != 24))
        {
            throw new InvalidDataException($"{name} is a {bitsPerPixel}-bit BMP with compression {compression}; this reader takes uncompressed 8-bit palettized or 24-bit images.");
        }
        bool bottomUp = storedHeight > 0;
        int height = Math.Abs(storedHeight);
        int rowBytes = (width * bitsPerPixel / 8 + 3) & ~3; // rows are padded to 4 bytes
        if (width <= 0 || height == 0 || pixelOffset < 0 || (long)pixelOffset + (long)rowBytes * height > bytes.Length)
        {
            throw new InvalidDataException($"{name}: {width}x{height} pixels at byte {pixelOffset} do not fit in its {bytes.Length} bytes.");
        }

        byte[] palette = Array.Empty<byte>();
        if (bitsPerPixel == 8)
        {
            int entries = colorsUsed == 0 ? 256 : colorsUsed;
            int paletteAt = 14 + headerSize;
            if (entries > 256 || paletteAt + 4 * entries > pixelOffset)
            {
                throw new InvalidDataException($"{name}: its palette of {entries} colors does not fit before the pixels.");
            }
            palette = new byte[256];
            for (int i = 0; i < entries; i++)
            {
                palette[i] = Luma(bytes[paletteAt + 4 * i + 2], bytes[paletteAt + 4 * i + 1], bytes[paletteAt + 4 * i]);
            }
        }

        var pixels = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            int stored = pixelOffset + rowBytes * (bottomUp ? height - 1 - y : y);
            for (int x = 0; x < width; x++)
            {
                pixels[y * width + x] = bitsPerPixel == 8
                    ? palette[bytes[stored + x]]
                    : Luma(bytes[stored + 3 * x + 2], bytes[stored + 3 * x + 1], bytes[stored + 3 * x]);
            }
        }
        return (pixels, width, height);
    }

    /// <summary>
    /// Resizes gray pixels to <paramref name="targetWidth"/> x <paramref name="targetHeight"/> by nearest neighbour
    /// (each target pixel takes the source pixel under its center); a copy when the size already matches.
    /// </summary>
    public static byte[] ResizeNearest(byte[] pixels, int width, int height, int targetWidth, int targetHeight)
    {
        var resized = new byte[targetWidth * targetHeight];
        for (int y = 0; y < targetHeight; y++)
        {
            int sourceY = (int)((2L * y + 1) * height / (2L * targetHeight));
            for (int x = 0; x < targetWidth; x++)
            {
                int sourceX = (int)((2L * x + 1) * width / (2L * targetWidth));
                resized[y * targetWidth + x] = pixels[sourceY * width + sourceX];
            }
        }
        return resized;
    }

    /// <summary>BT.601 luma, rounded: 0.299 R + 0.587 G + 0.114 B (a gray palette entry keeps its value).</summary>
    private static byte Luma(byte r, byte g, byte b) => (byte)((299 * r + 587 * g + 114 * b + 500) / 1000);
}
