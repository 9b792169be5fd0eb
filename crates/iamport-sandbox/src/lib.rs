//! A faithful local fake of the Iamport V1 REST API and browser SDK.
