package dev.visage.identify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

    @Test
    void refusesWhatDoesNotFitAndTakesItAgainOnceGivenBack() {
        MemoryBudget budget = new MemoryBudget("uploads", 100);
        MemoryBudget.Permit first = budget.acquire(60);
        assertThatThrownBy(() -> budget.acquire(50))
                .isInstanceOf(ServiceBusyException.class)
                .hasMessageContaining("uploads");
        assertThat(budget.inUse()).isEqualTo(60);
        first.close();
        first.close(); // closing twice gives back once
        assertThat(budget.inUse()).isZero();
        try (MemoryBudget.Permit second = budget.acquire(50)) {
            assertThat(budget.inUse()).isEqualTo(50);
        }
        assertThat(budget.inUse()).isZero();
    }

    @Test
    void aPermitGrowsAndShrinksWithItsBufferAndKeepsWhatItHadWhenRefused() {
        MemoryBudget budget = new MemoryBudget("uploads", 100);
        MemoryBudget.Permit other = budget.acquire(30);
        MemoryBudget.Permit permit = budget.acquire(10);
        permit.grow(40);
        assertThat(budget.inUse()).isEqualTo(80);
        assertThatThrownBy(() -> permit.grow(30)).isInstanceOf(ServiceBusyException.class);
        assertThat(permit.bytes()).isEqualTo(50);
        permit.shrink(20);
        assertThat(budget.inUse()).isEqualTo(60);
        permit.close();
        other.close();
        assertThat(budget.inUse()).isZero();
    }

    @Test
    void moreThanTheWholeBudgetIsAdmittedOnlyWhenNothingElseIsInFlight() {
        MemoryBudget budget = new MemoryBudget("decoding", 100);
        MemoryBudget.Permit small = budget.acquire(1);
        assertThatThrownBy(() -> budget.acquire(500)).isInstanceOf(ServiceBusyException.class);
        small.close();
        try (MemoryBudget.Permit huge = budget.acquire(500)) {
            assertThat(budget.inUse()).isEqualTo(100);
            assertThatThrownBy(() -> budget.acquire(1)).isInstanceOf(ServiceBusyException.class);
        }
        assertThat(budget.inUse()).isZero();
    }
}
