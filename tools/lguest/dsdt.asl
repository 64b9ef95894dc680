/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsdt.asl - the DSDT a --kernel guest finds: the serial port, the pvpanic
 * port, the LGUEST_MMIO_MAX virtio-mmio windows and \_S5.  The Makefile runs
 * it through cpp with the numbers of include/uapi/linux/lguest.h (from
 * dsdt-defs.sh), then iasl into dsdt.hex; the launcher only sets each
 * window's _STA (acpi.c).
 */
/*
 * Window NN, slot N: LGUEST_MMIO_SIZE bytes at BASE on IOAPIC pin IRQ, as
 * dsdt-defs.sh works them out for each of the LGUEST_MMIO_MAX in WINDOWS.
 * _STA is a byte constant the launcher sets to 0x0F (present, enabled,
 * shown, working) where it puts a device, and leaves 0 elsewhere so that
 * the guest ignores the window; iasl's offset table (dsdt.offset.h) says
 * where each one is.
 */
#define WINDOW(NN, N, BASE, IRQ)					\
	Device (VR##NN)							\
	{								\
		Name (_HID, "LNRO0005")					\
		Name (_UID, N)						\
		Name (_STA, 0x00)					\
		Name (_CRS, ResourceTemplate ()				\
		{							\
			Memory32Fixed (ReadWrite, BASE, LGUEST_MMIO_SIZE) \
			Interrupt (ResourceConsumer, Level, ActiveHigh,	\
				   Exclusive) { IRQ }			\
		})							\
	}

DefinitionBlock ("", "DSDT", 2, "LGUEST", "LGUEST  ", 1)
{
	Scope (\_SB)
	{
		Device (COM1)
		{
			Name (_HID, EisaId ("PNP0501"))
			Name (_UID, One)
			Name (_CRS, ResourceTemplate ()
			{
				IO (Decode16, LGUEST_SERIAL_PORT,
				    LGUEST_SERIAL_PORT, 0x01, 0x08)
				IRQNoFlags () { LGUEST_SERIAL_IRQ }
			})
		}

		Device (PEVT)
		{
			Name (_HID, "QEMU0001")
			Name (_CRS, ResourceTemplate ()
			{
				IO (Decode16, LGUEST_PVPANIC_PORT,
				    LGUEST_PVPANIC_PORT, 0x01, 0x01)
			})
		}

		WINDOWS
	}

	/* SLP_TYPa, SLP_TYPb: what the sleep control register takes for S5. */
	Name (\_S5, Package () { LGUEST_PM_S5_TYP, LGUEST_PM_S5_TYP, Zero, Zero })
}
