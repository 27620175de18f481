/**
 * The base of the GPU backends: {@link org.distill4j.backend.device.DeviceBackend} maps every op to
 * its kernel and owns the buffer pool, launches, row losses and tensor lifetime, over a
 * {@link org.distill4j.backend.device.DeviceDriver} that a backend writes for its native API.
 */
package org.distill4j.backend.device;
