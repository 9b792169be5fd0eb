//! Typed Iamport (PortOne V1) REST client.
