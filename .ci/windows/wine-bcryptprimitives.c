/*
 * bcryptprimitives.dll for Wine 8 (Debian 12), which lacks it. Only for running the cross-built
 * posctl.exe under Wine in the tests; never shipped: Windows 10 and later have the real DLL.
 * Rust's standard library takes its randomness from ProcessPrng there (since Rust 1.78); this
 * answers it from RtlGenRandom (advapi32's SystemFunction036), which Wine implements.
 * Built by .ci/windows-build.sh: x86_64-w64-mingw32-gcc -shared -o bcryptprimitives.dll THIS -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
