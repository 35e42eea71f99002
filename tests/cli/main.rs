//! End-to-end tests of the real binary. One integration binary; one module per area.

mod harness;

mod smoke;

mod reliability;
