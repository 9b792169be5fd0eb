/** 주문 내역: the order history arrives with the checkout flow (issue 5). */
export function OrdersScreen() {
  return (
    <section className="screen" aria-labelledby="orders-title">
      <h1 id="orders-title">
        주문 내역 <span className="en">Orders</span>
      </h1>
      <p className="muted" data-testid="orders-empty">
        아직 주문이 없습니다. (No orders yet.)
      </p>
    </section>
  );
}
